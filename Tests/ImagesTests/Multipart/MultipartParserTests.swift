import Testing

@testable import Images

@Suite struct MultipartParserTests {
    static let metadata = Array("metadata tarball bytes".utf8)
    /// Rootfs bytes that hold CRs, LFs and the start of a delimiter: none of it may end the part.
    static let rootfs: [UInt8] =
        Array("\r\n\r\n--\r\n--f1b3c5d7e9a0b2c4\r\n\r--".utf8) + (0...255).map(UInt8.init) + Array("\r\n-".utf8)

    static var lxdUpload: [UInt8] {
        MultipartBody.build([
            ("metadata", "meta.tar.xz", metadata), ("rootfs", "rootfs.tar.xz", rootfs),
        ])
    }

    @Test func readsTheTwoPartsLxcSendsForASplitImage() throws {
        let parts = try MultipartBody.parse(Self.lxdUpload)
        #expect(
            parts.map(\.part) == [
                MultipartPart(name: "metadata", filename: "meta.tar.xz", contentType: "application/octet-stream"),
                MultipartPart(name: "rootfs", filename: "rootfs.tar.xz", contentType: "application/octet-stream"),
            ])
        #expect(parts.map(\.bytes) == [Self.metadata, Self.rootfs])
    }

    @Test(arguments: [1, 2, 3, 7, 61, 64, 65, 66, 4096])
    func givesTheSamePartsWhateverTheChunksTheBodyArrivesIn(chunk: Int) throws {
        let parts = try MultipartBody.parse(Self.lxdUpload, chunk: chunk)
        #expect(parts.map(\.part.name) == ["metadata", "rootfs"])
        #expect(parts.map(\.bytes) == [Self.metadata, Self.rootfs])
    }

    @Test func handsOutPartDataBeforeThePartEnds() throws {
        var parser = try MultipartParser(boundary: "b")
        parser.append(Array("--b\r\nContent-Disposition: form-data; name=\"rootfs\"\r\n\r\n".utf8))
        #expect(try parser.next() == .partStart(MultipartPart(name: "rootfs")))
        parser.append(Array(repeating: UInt8(ascii: "x"), count: 1000) + Array("\r\n-".utf8))
        // All but the three bytes that could begin the delimiter.
        #expect(try parser.next() == .data(ArraySlice(repeating: UInt8(ascii: "x"), count: 1000)))
        #expect(try parser.next() == nil)
        parser.append(Array("-b--".utf8))
        #expect(try parser.next() == .partEnd)
        #expect(try parser.next() == nil)
        #expect(parser.isComplete)
    }

    @Test func ignoresThePreambleTheEpilogueAndTransportPadding() throws {
        let body = Array(
            ("This is the preamble.\r\n--b \t\r\nContent-Disposition: form-data; name=a\r\n\r\none\r\n--b--  \r\n"
                + "epilogue --b\r\n").utf8)
        let parts = try MultipartBody.parse(body, boundary: "b")
        #expect(parts.map(\.part.name) == ["a"])
        #expect(parts.map(\.bytes) == [Array("one".utf8)])
    }

    @Test func acceptsAnEmptyPartAndQuotedEscapedParameters() throws {
        let body = Array(
            ("--b\r\ncontent-disposition: FORM-DATA; NAME=\"x\\\"y\"; filename=\"../../etc/pass\\\\wd\";\r\n\r\n"
                + "\r\n--b--").utf8)
        let parts = try MultipartBody.parse(body, boundary: "b")
        #expect(parts.map(\.part) == [MultipartPart(name: "x\"y", filename: "pass\\wd")])
        #expect(parts.map(\.bytes) == [[]])
    }

    @Test func keepsOnlyTheLastPathComponentOfAFilename() throws {
        let body = MultipartBody.build([("rootfs", "/var/tmp/images/rootfs.squashfs", [1])])
        #expect(try MultipartBody.parse(body).first?.part.filename == "rootfs.squashfs")
    }

    @Test(arguments: [
        ("multipart/form-data; boundary=abc", "abc"),
        ("Multipart/Form-Data; Boundary=\"a b'()+_,-./:=?\"", "a b'()+_,-./:=?"),
        ("multipart/form-data;boundary=\(MultipartBody.goBoundary);", MultipartBody.goBoundary),
    ])
    func takesTheBoundaryFromContentType(contentType: String, boundary: String) throws {
        #expect(try MultipartParser.boundary(contentType: contentType) == boundary)
    }

    @Test(arguments: ["application/octet-stream", "", "multipart/mixed; boundary=x", "application/json"])
    func leavesOtherMediaTypesToTheRawUpload(contentType: String) throws {
        #expect(try MultipartParser.boundary(contentType: contentType) == nil)
    }

    @Test(arguments: [
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=\"\"",
        "multipart/form-data; boundary=\"ends in space \"",
        "multipart/form-data; boundary=\"\(String(repeating: "x", count: 71))\"",
        "multipart/form-data; boundary=\"a\u{7F}b\"",
        "multipart/form-data; boundary=a; boundary=b",
        "multipart/form-data; boundary=\"unterminated",
    ])
    func refusesAFormDataContentTypeWithoutAUsableBoundary(contentType: String) {
        #expect(throws: MultipartError.self) { try MultipartParser.boundary(contentType: contentType) }
    }

    static let partHead = "Content-Disposition: form-data; name=\"a\"\r\n\r\n"

    @Test(
        arguments: [
            ("", MultipartError.missingOpeningBoundary),
            ("no boundary here at all", .missingOpeningBoundary),
            ("--b\r\n\(partHead)data", .truncated),
            ("--b\r\n\(partHead)data\r\n--b", .truncated),
            ("--b\r\n\(partHead)data\r\n--b\r\n", .truncated),
            ("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n", .truncated),
            ("--b\n\(partHead)x\r\n--b--", .malformedBoundaryLine),
            ("--b\r\n\(partHead)x\r\n--bb\r\n", .malformedBoundaryLine),
            ("--b\r\n\(partHead)x\r\n--b\n--", .malformedBoundaryLine),
            ("--b\r\n\r\nx\r\n--b--", .invalidContentDisposition("a part has no Content-Disposition")),
            (
                "--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--",
                .invalidContentDisposition("a part has no Content-Disposition")
            ),
            (
                "--b\r\nContent-Disposition: attachment; name=a\r\n\r\nx\r\n--b--",
                .invalidContentDisposition("a part's Content-Disposition is \"attachment\", not form-data")
            ),
            (
                "--b\r\nContent-Disposition: form-data; filename=a\r\n\r\nx\r\n--b--",
                .invalidContentDisposition("a part's Content-Disposition has no name")
            ),
            (
                "--b\r\nContent-Disposition: form-data; name=a\r\nContent-Disposition: form-data; name=b\r\n\r\nx\r\n--b--",
                .invalidContentDisposition("a part has two Content-Disposition headers")
            ),
            (
                "--b\r\nContent-Disposition: form-data;\r\n name=a\r\n\r\nx\r\n--b--",
                .malformedHeader("obsolete line folding")
            ),
            (
                "--b\r\nContent-Disposition form-data\r\n\r\nx\r\n--b--",
                .malformedHeader("a line without a field name and colon")
            ),
            (
                "--b\r\nBad Name: x\r\n\(partHead)x\r\n--b--",
                .malformedHeader("a field name with a character that is not allowed")
            ),
            ("--b\r\nX: a\rb\r\n\(partHead)x\r\n--b--", .malformedHeader("a control character in a field value")),
            (
                "--b\r\nContent-Disposition: form-data; name=a; name=b\r\n\r\nx\r\n--b--",
                .malformedHeader("the parameter \"name\" is repeated")
            ),
            (
                "--b\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--b--",
                .malformedHeader("a quoted parameter value is not closed")
            ),
            (
                "--b\r\nContent-Disposition: form-data; name\r\n\r\nx\r\n--b--",
                .malformedHeader("a parameter that is not key=value")
            ),
        ] as [(String, MultipartError)])
    func refusesMalformedBodiesWithAReason(body: String, error: MultipartError) {
        #expect(throws: error) { try MultipartBody.parse(Array(body.utf8), boundary: "b") }
        // The same verdict when the bytes arrive one at a time.
        #expect(throws: error) { try MultipartBody.parse(Array(body.utf8), boundary: "b", chunk: 1) }
    }

    @Test func boundsTheHeaderSectionOfAPart() throws {
        let limits = MultipartLimits(maxHeaderBytes: 64, maxParts: 4)
        let longHeader = "--b\r\nX-Filler: \(String(repeating: "y", count: 100))\r\n\(Self.partHead)x\r\n--b--"
        #expect(throws: MultipartError.headersTooLarge(limit: 64)) {
            try MultipartBody.parse(Array(longHeader.utf8), boundary: "b", limits: limits)
        }
        // A header section that never ends fails at the limit, not at the end of the body.
        var parser = try MultipartParser(boundary: "b", limits: limits)
        parser.append(Array("--b\r\n".utf8) + Array(repeating: UInt8(ascii: "h"), count: 65))
        #expect(throws: MultipartError.headersTooLarge(limit: 64)) { _ = try parser.next() }
    }

    @Test func boundsTheNumberOfParts() {
        let parts = (0..<5).map { (name: "p\($0)", filename: String?.none, bytes: [UInt8]()) }
        let limits = MultipartLimits(maxHeaderBytes: 1024, maxParts: 4)
        #expect(throws: MultipartError.tooManyParts(limit: 4)) {
            try MultipartBody.parse(MultipartBody.build(parts), limits: limits)
        }
    }

    /// Truncations and single-byte corruptions of a real upload, in every chunking: the parser either
    /// finishes or throws a `MultipartError`; it never traps and never returns parts after throwing.
    @Test func neverCrashesOnTruncatedOrCorruptedUploads() throws {
        let original = Self.lxdUpload
        var random = SplitMix64(seed: 5)
        var bodies: [[UInt8]] = (0...original.count).map { Array(original.prefix($0)) }
        for _ in 0..<2000 {
            var corrupted = original
            let index = Int(random.next() % UInt64(corrupted.count))
            corrupted[index] = UInt8(truncatingIfNeeded: random.next())
            bodies.append(corrupted)
        }
        var completed = 0
        for (number, body) in bodies.enumerated() {
            do {
                _ = try MultipartBody.parse(body, chunk: 1 + number % 97)
                completed += 1
            } catch {
                // A MultipartError, as the typed throw guarantees: nothing else can get here.
            }
        }
        #expect(completed > 0 && completed < bodies.count)
    }
}
