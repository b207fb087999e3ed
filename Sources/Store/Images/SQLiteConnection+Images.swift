/// The image store's SQL: images and their aliases.
extension SQLiteConnection {
    public func insertImage(_ image: ImageRow) throws {
        try cached("INSERT INTO images (\(ImageRow.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .run(image.bindings)
    }

    /// Writes the user-editable fields (`public`, `auto_update`, `properties`, `profiles`).
    public func updateImage(_ image: ImageRow) throws {
        try cached(
            "UPDATE images SET public = ?, auto_update = ?, properties = ?, profiles = ? WHERE fingerprint = ?"
        ).run([image.isPublic, image.autoUpdate, image.properties, image.profiles, image.fingerprint])
    }

    public func images() throws -> [ImageRow] {
        try query("SELECT \(ImageRow.columns) FROM images ORDER BY uploaded_at, fingerprint", [], ImageRow.init)
    }

    /// The images whose fingerprint starts with `prefix` (LXD accepts any unique prefix).
    public func images(fingerprintPrefix prefix: String) throws -> [ImageRow] {
        // substr instead of LIKE: a prefix is hex, but LIKE would treat `_` and `%` as patterns.
        try query(
            "SELECT \(ImageRow.columns) FROM images WHERE substr(fingerprint, 1, length(?1)) = ?1 LIMIT 2", [prefix],
            ImageRow.init)
    }

    @discardableResult
    public func deleteImage(fingerprint: String) throws -> Int {
        try run("DELETE FROM images WHERE fingerprint = ?", [fingerprint])
    }

    public func imageAliases() throws -> [ImageAliasRow] {
        try query(
            "SELECT name, fingerprint, description, type FROM image_aliases ORDER BY name", [], ImageAliasRow.init)
    }

    public func imageAliases(fingerprint: String) throws -> [ImageAliasRow] {
        try query(
            "SELECT name, fingerprint, description, type FROM image_aliases WHERE fingerprint = ? ORDER BY name",
            [fingerprint], ImageAliasRow.init)
    }

    public func imageAlias(name: String) throws -> ImageAliasRow? {
        try query(
            "SELECT name, fingerprint, description, type FROM image_aliases WHERE name = ?", [name], ImageAliasRow.init
        ).first
    }

    public func insertImageAlias(_ alias: ImageAliasRow) throws {
        try run(
            "INSERT INTO image_aliases (name, fingerprint, description, type) VALUES (?, ?, ?, ?)",
            [alias.name, alias.fingerprint, alias.description, alias.type])
    }

    @discardableResult
    public func deleteImageAlias(name: String) throws -> Int {
        try run("DELETE FROM image_aliases WHERE name = ?", [name])
    }
}
