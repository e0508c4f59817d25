// Package jobs declares element types used by another package of the module.
package jobs

// Job holds a pointer, so a dropped Job keeps its payload alive.
type Job struct {
	ID      int
	Payload *[]byte
}

// Batch is a named slice of pointers declared in this package.
type Batch []*Job
