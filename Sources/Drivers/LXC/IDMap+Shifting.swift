extension IDMap {
    /// Gives every entry under `root` (itself included) to the mapped ids: an image's files are
    /// owned by container ids, and an unprivileged container sees host ids through its map.
    /// Returns how many entries were shifted. Blocking.
    @discardableResult
    func shiftOwnership(ofTree root: String) throws -> Int {
        try OwnershipShift(from: nil, to: self).apply(toTree: root)
    }
}
