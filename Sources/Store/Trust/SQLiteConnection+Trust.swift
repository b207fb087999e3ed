/// The trust store's SQL: client certificates and API tokens.
extension SQLiteConnection {
    public func insertCertificate(_ certificate: CertificateRow) throws {
        try cached("INSERT INTO certificates (\(CertificateRow.columns)) VALUES (?, ?, ?, ?, ?, ?, ?)")
            .run(certificate.bindings)
    }

    public func certificates() throws -> [CertificateRow] {
        try query(
            "SELECT \(CertificateRow.columns) FROM certificates ORDER BY fingerprint", [], CertificateRow.init)
    }

    /// At most two certificates whose fingerprint starts with `prefix`: LXD accepts any unique prefix,
    /// and two results are enough to tell that one is ambiguous.
    public func certificates(fingerprintPrefix prefix: String) throws -> [CertificateRow] {
        // substr instead of LIKE: LIKE would read `_` and `%` in the prefix as patterns.
        try query(
            "SELECT \(CertificateRow.columns) FROM certificates WHERE substr(fingerprint, 1, length(?1)) = ?1"
                + " ORDER BY fingerprint LIMIT 2", [prefix], CertificateRow.init)
    }

    /// Replaces the row stored under `fingerprint` (the certificate itself may change, and with it
    /// the fingerprint). Returns the number of rows changed.
    @discardableResult
    public func updateCertificate(fingerprint: String, to certificate: CertificateRow) throws -> Int {
        try run(
            "UPDATE certificates SET fingerprint = ?, name = ?, type = ?, restricted = ?, projects = ?,"
                + " certificate = ? WHERE fingerprint = ?",
            [
                certificate.fingerprint, certificate.name, certificate.type, certificate.restricted,
                certificate.projects, certificate.certificate, fingerprint,
            ])
    }

    @discardableResult
    public func deleteCertificate(fingerprint: String) throws -> Int {
        try run("DELETE FROM certificates WHERE fingerprint = ?", [fingerprint])
    }

    public func insertAPIToken(_ token: APITokenRow) throws {
        try cached("INSERT INTO api_tokens (\(APITokenRow.columns)) VALUES (?, ?, ?, ?, ?, ?)").run(token.bindings)
    }

    public func apiTokens() throws -> [APITokenRow] {
        try query("SELECT \(APITokenRow.columns) FROM api_tokens ORDER BY created_at, id", [], APITokenRow.init)
    }

    public func apiToken(id: String) throws -> APITokenRow? {
        try query("SELECT \(APITokenRow.columns) FROM api_tokens WHERE id = ?", [id], APITokenRow.init).first
    }

    @discardableResult
    public func deleteAPIToken(id: String) throws -> Int {
        try run("DELETE FROM api_tokens WHERE id = ?", [id])
    }
}
