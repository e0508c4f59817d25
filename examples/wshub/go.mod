module example.com/wshub

// Before Go 1.23 timer semantics: a ticker that is never stopped is never freed. (With a newer
// toolchain, a go line below 1.23 still selects them.)
go 1.22
