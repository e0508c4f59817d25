// Package gen holds generated tables.
package gen

// Names are the generated names.
var Names = []string{"a", "b"}
