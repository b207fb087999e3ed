extension MultipartParser {
    /// The boundary of a `multipart/form-data` `Content-Type`, nil for any other media type (LXD
    /// reads everything else as a raw upload). A form-data type without a usable boundary throws.
    public static func boundary(contentType: String) throws(MultipartError) -> String? {
        let isFormData = contentType.drop { $0 == " " || $0 == "\t" }.lowercased().hasPrefix("multipart/form-data")
        guard isFormData else { return nil }
        let value: MultipartHeaderValue
        do {
            value = try MultipartHeaderValue.parse(contentType)
        } catch {
            throw .invalidBoundary("the multipart/form-data Content-Type is malformed")
        }
        guard value.value == "multipart/form-data" else { return nil }
        guard let boundary = value.parameters["boundary"] else {
            throw .invalidBoundary("Content-Type has no boundary")
        }
        try validate(boundary: boundary)
        return boundary
    }
}
