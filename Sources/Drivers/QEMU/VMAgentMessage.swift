/// One line of the guest agent's protocol on the VM's second serial port: `VERB ID [ARG]`, one
/// space between fields, `ID` of `[A-Za-z0-9]+`. The host sends `PING id` and `EXEC id <base64
/// script>`; the guest answers `PONG id`, and `OUT id <base64>`, `ERR id <base64>`, `EXIT id code`.
/// Lines of any other shape are ignored both ways.
struct VMAgentMessage: Equatable {
    var verb: String
    var id: String
    var argument: String?

    init(verb: String, id: String, argument: String? = nil) {
        self.verb = verb
        self.id = id
        self.argument = argument
    }

    /// Nil for a line that is not a message (noise on the port, a shell prompt, a bad id).
    init?(line: [UInt8]) {
        let fields = line.split(separator: UInt8(ascii: " "), maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count >= 2, !fields[0].isEmpty, Self.isID(fields[1]) else { return nil }
        verb = String(decoding: fields[0], as: UTF8.self)
        id = String(decoding: fields[1], as: UTF8.self)
        argument = fields.count == 3 ? String(decoding: fields[2], as: UTF8.self) : nil
    }

    /// The line to send, newline included.
    var line: [UInt8] {
        Array(([verb, id] + (argument.map { [$0] } ?? [])).joined(separator: " ").utf8) + [UInt8(ascii: "\n")]
    }

    /// A fresh random id.
    static func newID() -> String {
        String(UInt64.random(in: 1...UInt64.max), radix: 36)
    }

    static func isID(_ bytes: some Collection<UInt8>) -> Bool {
        !bytes.isEmpty
            && bytes.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            }
    }
}
