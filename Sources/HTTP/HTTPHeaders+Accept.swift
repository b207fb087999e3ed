extension HTTPHeaders {
    /// The media ranges of every `Accept` header, in the order sent, lower-cased, without
    /// parameters or q-values: content negotiation here only needs "which of mine comes first".
    public var acceptedMediaTypes: [String] {
        values(for: "Accept").flatMap { value in
            value.split(separator: ",").map { range in
                // Media types have no spaces inside (RFC 9110 §8.3.1): dropping them all trims.
                String((range.split(separator: ";", maxSplits: 1).first ?? "").filter { $0 != " " && $0 != "\t" })
                    .lowercased()
            }
        }
    }
}
