import Images
import Instances
import JSON
import Store
import Testing

@Suite struct InstanceWritableTests {
    static let row = InstanceRow(
        name: "c1", project: "default", type: "container", architecture: "x86_64", description: "web",
        ephemeral: false, stateful: false, config: #"{"limits.cpu":"1","user.b":"2"}"#,
        devices: #"{"root":{"path":"/","pool":"default","type":"disk"}}"#, profiles: #"["default"]"#,
        imageFingerprint: nil, createdAt: 0, lastUsedAt: nil, phase: .ready)

    @Test func readsARowAndWritesItBackUnchanged() {
        let values = InstanceWritable(Self.row)
        #expect(values.config == ["limits.cpu": "1", "user.b": "2"])
        #expect(values.devices == ["root": ["path": "/", "pool": "default", "type": "disk"]])
        #expect(values.profiles == ["default"])
        #expect(values.applied(to: Self.row) == Self.row)
        #expect(InstanceWritable(json: values.json) == values)
    }

    @Test func theETagIsLXDsHashOfArchitectureConfigDevicesEphemeralProfiles() {
        let values = InstanceWritable(Self.row)
        // sha256 of the JSON array LXD hashes, as Go encodes it (sorted map keys, no spaces).
        let expected = JSONValue.array([
            .string("x86_64"), .object([("limits.cpu", .string("1")), ("user.b", .string("2"))]),
            .object([
                ("root", .object([("path", .string("/")), ("pool", .string("default")), ("type", .string("disk"))]))
            ]), .bool(false), .array([.string("default")]),
        ])
        #expect(String(decoding: expected.encoded, as: UTF8.self).hasPrefix(#"["x86_64",{"limits.cpu":"1""#))
        #expect(values.etag == SHA256Digest.hex(of: expected.encoded))
        var changed = values
        changed.config["user.b"] = "3"
        #expect(changed.etag != values.etag)
        var described = values
        described.description = "other"
        // The description is not part of LXD's ETag.
        #expect(described.etag == values.etag)
    }

    @Test func generatedNamesAreValidAndAvoidTakenOnes() {
        var taken: Set<String> = []
        for _ in 0..<200 {
            let name = InstanceName.generated { taken.contains($0) }
            #expect(InstanceName.problem(name) == nil)
            #expect(!taken.contains(name))
            taken.insert(name)
        }
    }

    @Test func aReplaceKeepsTheVolatileKeysItDoesNotSet() {
        var current = InstanceWritable(Self.row)
        current.config["volatile.base_image"] = "abc"
        current.config["volatile.idmap"] = "x"
        var new = current
        new.config = ["user.a": "1", "volatile.idmap": "y"]
        #expect(
            new.keepingVolatileKeys(of: current).config == [
                "user.a": "1", "volatile.idmap": "y", "volatile.base_image": "abc",
            ])
    }
}
