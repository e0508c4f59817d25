// Package other declares the element type.
package other

// Item is kept by pointer.
type Item struct{ Name string }

// Items is a named slice of pointers.
type Items []*Item
