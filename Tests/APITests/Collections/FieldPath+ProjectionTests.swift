import JSON
import Testing

@testable import API

@Suite struct FieldPathProjectionTests {
    static let item = try! JSONValue.parse(
        #"""
        {"name": "web1", "status": "Running",
         "config": {"image.os": "busybox", "limits.cpu": "2", "limits.memory": "1GiB"},
         "aliases": [{"name": "a", "description": "first"}, {"name": "b", "description": ""}]}
        """#)

    static func project(_ fields: String) -> String {
        let paths = fields.split(separator: ",").compactMap { FieldPath($0) }
        return String(decoding: FieldPath.project(item, onto: paths).encoded, as: UTF8.self)
    }

    @Test func dottedConfigKeysKeepTheirNesting() {
        #expect(Self.project("name,config.limits.cpu") == #"{"name":"web1","config":{"limits.cpu":"2"}}"#)
    }

    @Test func pathsUnderOneParentShareIt() {
        #expect(
            Self.project("config.limits.memory,status,config.image.os")
                == #"{"config":{"limits.memory":"1GiB","image.os":"busybox"},"status":"Running"}"#)
    }

    @Test func aWholeObjectAndOneOfItsKeysMerge() {
        #expect(
            Self.project("config.limits.cpu,config")
                == #"{"config":{"limits.cpu":"2","image.os":"busybox","limits.memory":"1GiB"}}"#)
        #expect(
            Self.project("config,config.limits.cpu")
                == #"{"config":{"image.os":"busybox","limits.cpu":"2","limits.memory":"1GiB"}}"#)
    }

    @Test func pathsThroughArraysKeepEachElement() {
        #expect(Self.project("aliases.name") == #"{"aliases":[{"name":"a"},{"name":"b"}]}"#)
        #expect(
            Self.project("aliases.name,aliases.description")
                == #"{"aliases":[{"name":"a","description":"first"},{"name":"b","description":""}]}"#)
    }

    @Test func missingPathsAreLeftOut() {
        #expect(Self.project("name,config.limits.disk,nothing") == #"{"name":"web1"}"#)
        #expect(Self.project("nothing") == "{}")
    }
}
