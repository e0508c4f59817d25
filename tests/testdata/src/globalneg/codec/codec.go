// Package codec keeps a registry that is filled at start-up, whatever its adder is called.
package codec

// Codec encodes values.
type Codec interface{ Encode(v any) ([]byte, error) }

var codecs = map[string]Codec{}

// AddCodec makes a codec available by name; programs call it before they serve.
func AddCodec(name string, c Codec) { codecs[name] = c }

// Lookup finds a codec.
func Lookup(name string) Codec { return codecs[name] }

func init() { AddCodec("none", nil) }
