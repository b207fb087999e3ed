/// An error only tests throw, to check that the Store rethrows the caller's own error unchanged.
struct TestError: Error, Equatable {
    let tag: String
}
