import Instances
import Testing

@Suite struct InstanceConfigTests {
    @Test func acceptsTheKeysBerthHonoursAndFreeFormNamespaces() {
        let config = [
            "limits.cpu": "2", "limits.memory": "256MiB", "limits.processes": "100", "security.privileged": "true",
            "user.note": "x", "environment.TERM": "xterm", "image.os": "busybox", "volatile.base_image": "ab",
        ]
        #expect(InstanceConfig.problem(config) == nil)
    }

    @Test(arguments: [
        (["boot.autostart": "true"], "Invalid config: Unknown configuration key: boot.autostart"),
        (["user.": "x"], "Invalid config: Unknown configuration key: user."),
        (["nonsense": "1"], "Invalid config: Unknown configuration key: nonsense"),
        (
            ["security.privileged": "yes"],
            "Invalid value for config key \"security.privileged\": Invalid value for a boolean \"yes\""
        ),
    ])
    func refusesWhatItWouldNotHonour(_ config: [String: String], _ message: String) {
        #expect(InstanceConfig.problem(config) == message)
    }

    @Test func instanceTypesSetLimitsNotAlreadySet() throws {
        #expect(
            try InstanceConfig.applyingInstanceType("c2-m4", to: [:]) == [
                "limits.cpu": "2", "limits.memory": "4096MiB",
            ])
        #expect(
            try InstanceConfig.applyingInstanceType("c0.5-m1.5", to: ["limits.memory": "1GiB"]) == [
                "limits.cpu": "1", "limits.memory": "1GiB",
            ])
    }

    @Test(arguments: ["t2.micro", "c2", "c-m1", "c0-m1", "c1-m0", "c1-mx", "cinf-m1", "c1-m1-x", ""])
    func refusesUnknownInstanceTypes(_ type: String) {
        #expect(throws: InstanceError.badRequest("Provided instance type doesn't exist: \(type)")) {
            try InstanceConfig.applyingInstanceType(type, to: [:])
        }
    }
}
