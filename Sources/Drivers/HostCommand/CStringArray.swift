#if canImport(Glibc)
    import Glibc
#endif

/// NUL-terminated C strings in a NULL-terminated array, as argv and envp want them.
struct CStringArray {
    let pointers: [UnsafeMutablePointer<CChar>?]

    init(_ strings: [String]) {
        pointers = strings.map { strdup($0) } + [nil]
    }

    func free() {
        for pointer in pointers { Glibc.free(pointer) }
    }
}
