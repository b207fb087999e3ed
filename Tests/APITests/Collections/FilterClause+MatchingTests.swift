import JSON
import Testing

@testable import API

@Suite struct FilterClauseMatchingTests {
    /// An instance as LXD shows it, with the shapes filters meet: dotted config keys, nested devices,
    /// booleans, numbers, string arrays, arrays of objects and a null.
    static let instance = try! JSONValue.parse(
        #"""
        {"name": "web1", "status": "Running", "status_code": 103, "architecture": "x86_64",
         "ephemeral": false, "stateful": true, "size": 1048576, "ratio": 0.5, "location": null,
         "created_at": "2024-05-01T10:00:00Z",
         "config": {"image.os": "BusyBox", "limits.cpu": "2", "user.note": "web server"},
         "expanded_devices": {"root": {"path": "/", "pool": "default", "type": "disk"}},
         "profiles": ["default", "web"],
         "aliases": [{"name": "busybox", "description": ""}, {"name": "bb", "description": "short one"}]}
        """#)

    @Test(arguments: [
        // LXD's own cases (lxd/filter/match_test.go).
        ("architecture eq x86_64", true),
        ("architecture eq i686", false),
        ("name eq web1 and status eq Running", true),
        ("config.image.os eq BusyBox and expanded_devices.root.path eq /", true),
        ("name eq c2 or status eq Running", true),
        ("name eq c2 or name eq c3", false),
        // Strings: case-insensitive, anchored regular expressions, equality when not an expression.
        ("name eq WEB1", true),
        ("name eq web", false),
        ("name eq web.*", true),
        ("name eq ^web", true),
        ("name eq w(eb|ww)1", true),
        ("name eq web[", false),
        ("name ne web1", false),
        ("name ne web2", true),
        ("config.image.os eq busybox", true),
        ("config.limits.cpu eq 2", true),
        // A missing key or null reads as "".
        (#"config.user.missing eq """#, true),
        (#"config.user.missing ne """#, false),
        ("config.user.missing eq x", false),
        (#"location eq """#, true),
        // Booleans as Go's ParseBool reads them; anything else is unequal.
        ("stateful eq true", true),
        ("stateful eq 1", true),
        ("stateful eq True", true),
        ("ephemeral eq FALSE", true),
        ("ephemeral eq true", false),
        ("stateful eq yes", false),
        ("stateful ne yes", true),
        // Numbers.
        ("status_code eq 103", true),
        ("status_code eq 103.0", true),
        ("status_code eq abc", false),
        ("ratio eq 0.5", true),
        // Orderings: numeric when both sides are numbers, config strings included.
        ("status_code gt 100", true),
        ("status_code lt 100", false),
        ("size ge 1048576", true),
        ("size gt 1048576", false),
        ("size le 1e6", false),
        ("ratio lt 1", true),
        ("config.limits.cpu lt 10", true),
        ("config.limits.cpu gt 10", false),
        // ... otherwise bytewise: RFC 3339 times order as times.
        ("created_at gt 2024-01-01T00:00:00Z", true),
        ("created_at lt 2024-05-01T10:00:01Z", true),
        ("created_at ge 2024-05-02", false),
        ("name gt web", true),
        ("name lt Web", false),
        ("location gt a", false),
        ("location lt a", false),
        // String operators.
        ("name bw WE", true),
        ("name bw eb", false),
        ("name ew B1", true),
        ("config.user.note ct SERVER", true),
        ("config.user.note cs SERVER", false),
        ("config.user.note cs server", true),
        ("config.user.note ct nothing", false),
        (#"config.user.missing ct """#, true),
        ("status_code bw 10", true),
        ("stateful ew rue", true),
        ("name rx ^web\\d$", true),
        ("name rx WEB", false),
        ("name rx (?i)WEB", true),
        ("name rx b1$", true),
        // Arrays: any element, or the whole array against a JSON array literal.
        ("profiles eq web", true),
        ("profiles eq other", false),
        ("profiles ne web", false),
        (#"profiles eq ["default","web"]"#, true),
        (#"profiles eq ["default"]"#, false),
        (#"profiles ne ["default"]"#, true),
        ("profiles bw we", true),
        ("aliases.name eq bb", true),
        ("aliases.name eq cc", false),
        ("aliases.description ct short", true),
        // Objects equal nothing.
        ("config eq x", false),
        ("config ne x", true),
        ("config ct x", false),
        // not, and LXD's strict left-to-right fold: `a or b and c` is `(a or b) and c`.
        ("not name eq web1", false),
        ("not name eq x and status eq running", true),
        ("name eq web1 or name eq x and status eq stopped", false),
        ("name eq x and status eq stopped or name eq web1", true),
        ("not name eq x or name eq y", true),
    ])
    func matchesAsDocumented(filter: String, expected: Bool) throws {
        let expression = try FilterExpression(parsing: filter)
        #expect(expression.matches(Self.instance) == expected)
    }

    @Test func anEmptyFilterMatchesEverything() throws {
        #expect(try FilterExpression(parsing: "").matches(Self.instance))
        #expect(try FilterExpression(parsing: "").matches(.object([])))
    }

    @Test(arguments: [("12", 12.0), ("-3.5", -3.5), ("1e3", 1000.0), ("+4", 4.0), (".5", 0.5)])
    func decimalsAreNumbers(text: String, value: Double) {
        #expect(FilterClause.decimal(text) == value)
    }

    @Test(arguments: ["", "-", "1e", "1e+", "inf", "nan", "0x1p3", "1.2.3", "12a", "e5", "1-2"])
    func otherTextIsNotANumber(text: String) {
        #expect(FilterClause.decimal(text) == nil)
    }
}
