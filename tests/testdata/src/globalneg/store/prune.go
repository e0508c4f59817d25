package store

// Prune drops an item from Dropped, in another file of the package.
func Prune(name string) {
	delete(Dropped, name)
}
