import Testing

@testable import JSON

@Suite struct JSONValueParsingTests {
    /// Values whose encoding parses back to the same value. Integral doubles below 1e15 are left out:
    /// Go's encoder (and ours) writes them as integers, so they come back as `.int`.
    static let roundTripValues: [JSONValue] = [
        .null, .bool(true), .bool(false), .int(0), .int(-1), .int(.max), .int(.min),
        .double(1.5), .double(-2.5e-8), .double(0.1), .double(1e300), .double(-1.7976931348623157e308),
        .double(.leastNonzeroMagnitude), .double(1e15), .double(1.2345678901234567e19),
        .string(""), .string("plain"), .string("quote \" backslash \\ slash /"),
        .string("controls \u{0}\u{1}\u{8}\u{C}\n\r\t\u{1F} del \u{7F}"), .string("html <a href=\"x\">&amp;</a>"),
        .string("é 日本語 🚀 \u{10FFFF} \u{2028}\u{2029}"),
        .array([]), .object([]), .array([.array([.array([])])]),
        .array([.int(1), .string("two"), .double(3.5), .null, .bool(false), .object([("k", .array([]))])]),
        .object([("b", .int(1)), ("a", .object([("nested", .array([.string("x"), .object([])]))]))]),
        .object([("dup", .int(1)), ("dup", .int(2)), ("", .string("empty key")), ("ключ", .string("значение"))]),
    ]

    @Test(arguments: roundTripValues)
    func parsingAnEncodedValueGivesItBack(value: JSONValue) throws {
        #expect(try JSONValue.parse(value.encoded) == value)
        #expect(try JSONValue.parse(String(decoding: value.encoded, as: UTF8.self)) == value)
    }

    /// RFC 8259 §13: the two example texts, plus the three scalar texts of the same section.
    @Test func rfc8259ExamplesParse() throws {
        let image = try JSONValue.parse(
            """
            {
              "Image": {
                  "Width":  800,
                  "Height": 600,
                  "Title":  "View from 15th Floor",
                  "Thumbnail": {
                      "Url":    "http://www.example.com/image/481989943",
                      "Height": 125,
                      "Width":  100
                  },
                  "Animated" : false,
                  "IDs": [116, 943, 234, 38793]
                }
            }
            """)
        #expect(
            image
                == .object([
                    (
                        "Image",
                        .object([
                            ("Width", .int(800)), ("Height", .int(600)), ("Title", .string("View from 15th Floor")),
                            (
                                "Thumbnail",
                                .object([
                                    ("Url", .string("http://www.example.com/image/481989943")), ("Height", .int(125)),
                                    ("Width", .int(100)),
                                ])
                            ),
                            ("Animated", .bool(false)),
                            ("IDs", .array([.int(116), .int(943), .int(234), .int(38793)])),
                        ])
                    )
                ]))

        let places = try JSONValue.parse(
            """
            [
              {
                 "precision": "zip",
                 "Latitude":  37.7668,
                 "Longitude": -122.3959,
                 "Address":   "",
                 "City":      "SAN FRANCISCO",
                 "State":     "CA",
                 "Zip":       "94107",
                 "Country":   "US"
              },
              {
                 "precision": "zip",
                 "Latitude":  37.371991,
                 "Longitude": -122.026020,
                 "Address":   "",
                 "City":      "SUNNYVALE",
                 "State":     "CA",
                 "Zip":       "94085",
                 "Country":   "US"
              }
            ]
            """)
        #expect(places.arrayValue?.count == 2)
        #expect(places.arrayValue?[0]["Latitude"] == .double(37.7668))
        #expect(places.arrayValue?[1]["Longitude"] == .double(-122.026020))
        #expect(places.arrayValue?[1]["Zip"] == .string("94085"))
        #expect(places.arrayValue?[0].objectValue?.map(\.0).first == "precision")

        #expect(try JSONValue.parse(#""Hello world!""#) == .string("Hello world!"))
        #expect(try JSONValue.parse("42") == .int(42))
        #expect(try JSONValue.parse("true") == .bool(true))
    }

    @Test(arguments: [
        ("-0", JSONValue.int(0)),
        ("0", .int(0)),
        ("-9223372036854775808", .int(.min)),
        ("9223372036854775807", .int(.max)),
        ("9223372036854775808", .double(9_223_372_036_854_775_808)),
        ("-9223372036854775809", .double(-0x1p63)),
        ("123456789012345678901234567890", .double(1.2345678901234568e29)),
        ("1.0", .double(1)),
        ("-0.0", .double(-0.0)),
        ("1e2", .double(100)),
        ("1E+2", .double(100)),
        ("1e-2", .double(0.01)),
        ("-1.5e+3", .double(-1500)),
        ("0.5", .double(0.5)),
        ("1e-400", .double(0)),
        ("1.7976931348623157e308", .double(.greatestFiniteMagnitude)),
        (#""\u00e9\u65E5\ud83d\ude80""#, .string("é日🚀")),
        (#""\"\\\/\b\f\n\r\t""#, .string("\"\\/\u{8}\u{C}\n\r\t")),
        (#""\u0000""#, .string("\u{0}")),
        (#""\uDBFF\uDFFF""#, .string("\u{10FFFF}")),
        ("\"\u{7F}\"", .string("\u{7F}")),
        (" \t\r\n[ 1 ,\t2\n,\r3 ] \n", .array([.int(1), .int(2), .int(3)])),
        ("{ \"a\" : 1 , \"b\" :[ ] }", .object([("a", .int(1)), ("b", .array([]))])),
        ("[{}, [], \"\", 0, null]", .array([.object([]), .array([]), .string(""), .int(0), .null])),
        (#"{"a":1,"a":2}"#, .object([("a", .int(1)), ("a", .int(2))])),
    ])
    func acceptsValidInput(text: String, expected: JSONValue) throws {
        let value = try JSONValue.parse(text)
        #expect(value == expected)
        if case .double(let double) = value, case .double(let wanted) = expected {
            #expect(double.sign == wanted.sign)
        }
    }

    /// Inputs every strict parser refuses, in the spirit of JSONTestSuite's `n_*` files.
    static let rejected: [[UInt8]] =
        [
            "", " ", "[1,]", #"{"a":1,}"#, "01", "-01", "1.", ".1", "1.e3", "-", "+1", "1e", "1e+", "0x10",
            #""\u00""#, #""\u12G4""#, #""\ud800""#, #""\udc00""#, #""\ud800\u0041""#, #""\ud800\ud800""#,
            #""\ud800x""#, #""\U0041""#, #""\x""#, #""\'""#, "[", "]", "{", "}", "[1", "[1 2]", "[,1]", "{,}",
            #"{"a" 1}"#, #"{"a"}"#, #"{"a":}"#, #"{"a":1 "b":2}"#, "{a:1}", "{'a':1}", "['a']", #"{"a":1}}"#, "[1]]",
            "NaN", "-NaN", "Infinity", "-Infinity", "1e400", "-1e400", "tru", "True", "nul", "nulll", "[1]x", "1 2",
            "\"abc", "\"a\tb\"", "\"a\nb\"", "\"\u{1F}\"", "// c\n1", "/* c */ 1", "[1 /* c */]", "\u{C}1",
            "\u{A0}1", "\u{FEFF}1", "[\"a\",]", "{\"a\":[}", "[}", "{]",
        ].map { Array($0.utf8) } + [
            [0x22, 0xFF, 0x22],  // never valid in UTF-8
            [0x22, 0xC0, 0xAF, 0x22],  // overlong "/"
            [0x22, 0xE0, 0x80, 0xAF, 0x22],  // overlong "/", three bytes
            [0x22, 0xED, 0xA0, 0x80, 0x22],  // UTF-8-encoded surrogate U+D800
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // above U+10FFFF
            [0x22, 0xE6, 0x97, 0x22],  // truncated sequence
            [0x22, 0x80, 0x22],  // lone continuation byte
            [0x22, 0xE6, 0x97],  // truncated by the end of input
            [0x31, 0x00],  // NUL after the value
            [0x5B, 0xFF, 0x5D],  // non-ASCII outside a string
            Array(repeating: UInt8(ascii: "["), count: 600) + Array(repeating: UInt8(ascii: "]"), count: 600),
        ]

    @Test(arguments: rejected)
    func rejectsInvalidInput(input: [UInt8]) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(input) }
    }

    @Test func nestingIsLimitedTo512ByDefault() throws {
        func nested(_ depth: Int) -> [UInt8] {
            Array(repeating: UInt8(ascii: "["), count: depth) + Array(repeating: UInt8(ascii: "]"), count: depth)
        }
        var value = try JSONValue.parse(nested(512))
        var depth = 0
        while case .array(let elements) = value {
            depth += 1
            value = elements.first ?? .null
        }
        #expect(depth == 512)
        #expect(throws: JSONParseError.tooDeep(limit: 512, offset: 512)) { try JSONValue.parse(nested(513)) }
        #expect(throws: JSONParseError.tooDeep(limit: 512, offset: 512)) { try JSONValue.parse(nested(100_000)) }
    }

    @Test func nestingLimitIsAParameter() throws {
        #expect(try JSONValue.parse(#"{"a":[1]}"#, maxDepth: 2) == .object([("a", .array([.int(1)]))]))
        #expect(throws: JSONParseError.tooDeep(limit: 1, offset: 5)) { try JSONValue.parse(#"{"a":[1]}"#, maxDepth: 1) }
        #expect(throws: JSONParseError.tooDeep(limit: 1, offset: 1)) { try JSONValue.parse("[[]]", maxDepth: 1) }
        #expect(try JSONValue.parse("\"scalar\"", maxDepth: 0) == .string("scalar"))
        #expect(throws: JSONParseError.tooDeep(limit: 0, offset: 0)) { try JSONValue.parse("[]", maxDepth: 0) }
    }

    @Test func valuesAtTheDefaultLimitAreSafeToWalkOnAPoolThread() async throws {
        // Encoding, comparing and freeing a value recurse once per level; the default limit must leave
        // them room on a cooperative-pool thread, whose stack is smaller than the main thread's.
        let text = String(repeating: "[", count: 512) + "{\"k\":1}" + String(repeating: "]", count: 512)
        let matches = try await Task {
            let value = try JSONValue.parse(text, maxDepth: 513)
            return try JSONValue.parse(value.encoded, maxDepth: 513) == value && value.encoded == Array(text.utf8)
        }.value
        #expect(matches)
    }

    @Test func parsingAnLXDBodyAndEncodingItAgainReproducesItByteForByte() throws {
        let body =
            #"{"type":"async","status":"Operation created","status_code":100,"operation":"/1.0/operations/4350ab20-aae3-4630-94e9-b8a83bd72a8d","#
            + #""error_code":0,"error":"","metadata":{"id":"4350ab20-aae3-4630-94e9-b8a83bd72a8d","class":"websocket","#
            + #""description":"Executing command","created_at":"2026-11-22T19:20:14.29755579Z","#
            + #""updated_at":"2026-11-22T19:20:14.29755579Z","status":"Running","status_code":103,"#
            + #""resources":{"containers":["/1.0/containers/c1"],"instances":["/1.0/instances/c1"]},"#
            + #""metadata":{"command":["sh","-c","echo \u003cok\u003e \u0026\u0026 exit 0"],"environment":{"HOME":"/root"},"#
            + #""fds":{"0":"f1e0c1d2","control":"aa"},"interactive":false},"may_cancel":false,"err":"","location":"none"}}"#
        let value = try JSONValue.parse(body)
        #expect(value["metadata"]?["metadata"]?["command"]?.arrayValue?.last == .string("echo <ok> && exit 0"))
        #expect(value["status_code"]?.intValue == 100)
        #expect(String(decoding: value.encoded, as: UTF8.self) == body)
    }

    @Test func bytesAndStringParseAlike() throws {
        let text = #"{"name":"c1","config":{"limits.cpu":"2"},"ephemeral":false,"size":1.5}"#
        #expect(try JSONValue.parse(text) == JSONValue.parse(Array(text.utf8)))
        #expect(try JSONValue.parse(text)["size"] == .double(1.5))
    }
}
