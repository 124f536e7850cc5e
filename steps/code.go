package steps

import (
	"reflect"
	"runtime"
	"strings"
)

// code is the Go function that does a step's work, bound to the values it
// works on. The function itself, not a name spelled in a string, links a
// step's prose to its code: the name, file and lines shown for a step come
// from the binary's own record of the function ([Step.Symbol], [SourceOf]).
type code struct {
	// fn is the step function, a top-level function of this package.
	fn any
	// run calls fn with the bound values.
	run func(*Env) error
}

// call is the code of a step function that needs only the Env.
func call(fn func(*Env) error) code {
	return code{fn: fn, run: fn}
}

// call1 binds a step function to the value it works on.
func call1[A any](fn func(*Env, A) error, a A) code {
	return code{fn: fn, run: func(env *Env) error { return fn(env, a) }}
}

// call2 binds a step function to the two values it works on.
func call2[A, B any](fn func(*Env, A, B) error, a A, b B) code {
	return code{fn: fn, run: func(env *Env) error { return fn(env, a, b) }}
}

// call3 binds a step function to the three values it works on.
func call3[A, B, C any](fn func(*Env, A, B, C) error, a A, b B, c C) code {
	return code{fn: fn, run: func(env *Env) error { return fn(env, a, b, c) }}
}

// call4 binds a step function to the four values it works on.
func call4[A, B, C, D any](fn func(*Env, A, B, C, D) error, a A, b B, c C, d D) code {
	return code{fn: fn, run: func(env *Env) error { return fn(env, a, b, c, d) }}
}

// around returns the same function run through wrap, which gets the Env
// and the call to make (the user-defined network switches the Env to
// itself around the bridge steps).
func (c code) around(wrap func(*Env, func(*Env) error) error) code {
	run := c.run
	c.run = func(env *Env) error { return wrap(env, run) }
	return c
}

// function returns the runtime's record of the step function, or nil when
// there is none.
func (c code) function() *runtime.Func {
	if c.fn == nil {
		return nil
	}
	return runtime.FuncForPC(reflect.ValueOf(c.fn).Pointer())
}

// name returns the step function's name inside its package
// ("setupDevice"), or "".
func (c code) name() string {
	fn := c.function()
	if fn == nil {
		return ""
	}
	_, name := splitSymbol(fn.Name())
	return name
}

// splitSymbol splits a function's symbol into its package path and its
// name inside the package:
// "github.com/netexplore/netexplore/steps.setupDevice" gives
// "github.com/netexplore/netexplore/steps" and "setupDevice".
func splitSymbol(sym string) (pkg, name string) {
	slash := strings.LastIndex(sym, "/")
	dot := strings.Index(sym[slash+1:], ".")
	if dot < 0 {
		return "", sym
	}
	return sym[:slash+1+dot], sym[slash+2+dot:]
}
