package steps

// attachment is a container and the bridge it joins.
type attachment struct {
	c      *container
	bridge string
}

// attachContainers runs the whole join sequence for each container, on
// its own bridge: one container per network.
func attachContainers(env *Env, w *world, each []attachment) error {
	for _, a := range each {
		if err := attachToBridge(env, w, a.c, a.bridge); err != nil {
			return err
		}
	}
	return nil
}
