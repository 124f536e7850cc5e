package probe

import (
	"testing"
	"unsafe"
)

// The pool hands out its own chunks, then heap ones; takes back only its
// own, the last given back first; and unmaps only once all are back.
func TestChunkPool(t *testing.T) {
	p := chunkPool{chunks: 3}
	var got [][]byte
	for range 3 {
		b := p.get()
		if !p.owns(b) || len(b) != 0 || cap(b) != chunkSize {
			t.Fatalf("chunk %d: owned %v, len %d, cap %d", len(got), p.owns(b), len(b), cap(b))
		}
		got = append(got, b)
	}
	extra := p.get()
	if p.owns(extra) || p.heap != 1 {
		t.Fatalf("a fourth chunk: owned %v, heap %d; want one from the heap", p.owns(extra), p.heap)
	}
	// Writing a whole chunk stays inside it.
	for i := range got {
		got[i] = append(got[i], make([]byte, chunkSize)...)
		got[i][0], got[i][chunkSize-1] = byte(i+1), byte(i+1)
	}
	for i, b := range got {
		if b[0] != byte(i+1) || b[chunkSize-1] != byte(i+1) {
			t.Fatalf("chunk %d was overwritten by another", i)
		}
	}
	p.put(extra) // not the pool's: ignored
	p.put(got[0])
	p.put(got[1])
	if b := p.get(); unsafe.SliceData(b) != unsafe.SliceData(got[1]) || len(b) != 0 {
		t.Fatal("the chunk given back last is not the one handed out next, empty")
	}
	if err := p.release(); err != nil || p.mem == nil {
		t.Fatalf("released with chunks out (%v)", err)
	}
	p.put(got[1])
	p.put(got[2])
	if p.out != 0 {
		t.Fatalf("%d chunks out after all came back", p.out)
	}
	if err := p.release(); err != nil || p.mem != nil {
		t.Fatalf("not released with every chunk back (%v)", err)
	}
	if b := p.get(); p.owns(b) || cap(b) != chunkSize {
		t.Fatal("a chunk after release is not from the heap")
	}
}
