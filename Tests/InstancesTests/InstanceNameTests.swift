import Instances
import Testing

@Suite struct InstanceNameTests {
    @Test(arguments: ["c1", "web-1", "A", String(repeating: "a", count: 63)])
    func acceptsLXDsValidNames(_ name: String) {
        #expect(InstanceName.problem(name) == nil)
    }

    @Test(arguments: [
        ("", "Name must be 1-63 characters long"),
        (String(repeating: "a", count: 64), "Name must be 1-63 characters long"),
        ("-a", "Name must not start with \"-\" character"),
        ("a-", "Name must not end with \"-\" character"),
        ("1a", "Name must not start with a number"),
        ("a_b", "Name can only contain alphanumeric and hyphen characters"),
        ("a.b", "Name can only contain alphanumeric and hyphen characters"),
        ("a/b", "Cannot contain slashes"),
    ])
    func refusesInvalidNamesWithLXDsMessage(_ name: String, _ reason: String) {
        #expect(InstanceName.problem(name) == "Invalid instance name \"\(name)\": \(reason)")
    }
}
