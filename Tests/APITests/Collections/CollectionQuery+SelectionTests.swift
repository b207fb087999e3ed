import JSON
import Testing

@testable import API

@Suite struct CollectionQuerySelectionTests {
    static func item(_ name: String, size: Int?, os: String) -> CollectionItem {
        var members: [(String, JSONValue)] = [("name", .string(name))]
        if let size { members.append(("size", .int(size))) }
        members.append(("config", .object([("image.os", .string(os))])))
        return CollectionItem(url: "/1.0/things/\(name)", object: .object(members))
    }

    static let items = [
        item("a", size: 30, os: "busybox"), item("b", size: 10, os: "alpine"), item("c", size: nil, os: "busybox"),
        item("d", size: 20, os: "busybox"), item("e", size: 10, os: "debian"),
    ]

    static func select(_ parameters: String) throws -> (names: [String], total: Int) {
        let query = try CollectionQueryTests.query("/1.0/things?\(parameters)")
        let (selected, total) = query.select(items) { $0.object }
        return (selected.map { $0.url.split(separator: "/").last.map(String.init) ?? "" }, total)
    }

    @Test func filterSortAndPageApplyInThatOrder() throws {
        let result = try Self.select("filter=config.image.os+eq+busybox&sort=-size&limit=2&offset=1")
        #expect(result.names == ["d", "c"])
        #expect(result.total == 3)
    }

    @Test func sortingIsStableAndPutsMissingValuesLast() throws {
        #expect(try Self.select("sort=size").names == ["b", "e", "d", "a", "c"])
        #expect(try Self.select("sort=-size").names == ["a", "d", "b", "e", "c"])
        #expect(try Self.select("sort=config.image.os,-name").names == ["b", "d", "c", "a", "e"])
    }

    @Test func pagingPastTheEndIsEmptyButCountsEverything() throws {
        let result = try Self.select("offset=10")
        #expect(result.names.isEmpty)
        #expect(result.total == 5)
        #expect(try Self.select("limit=0").names.isEmpty)
        #expect(try Self.select("limit=2").names == ["a", "b"])
    }

    @Test func theListShowsURLsOrObjectsByRecursionAndFields() throws {
        let item = Self.items[0]
        #expect(try CollectionQueryTests.query("/1.0/things").output(item) == .string("/1.0/things/a"))
        #expect(try CollectionQueryTests.query("/1.0/things?filter=name+eq+a").output(item) == .string("/1.0/things/a"))
        #expect(try CollectionQueryTests.query("/1.0/things?recursion=1").output(item) == item.object)
        let projected = try CollectionQueryTests.query("/1.0/things?fields=config.image.os").output(item)
        #expect(projected == .object([("config", .object([("image.os", .string("busybox"))]))]))
    }

    @Test func itemsWithoutObjectsAreListedByURL() throws {
        let bare = CollectionItem(url: "/1.0/things/x", object: nil)
        #expect(try CollectionQueryTests.query("/1.0/things?recursion=1").output(bare) == .string("/1.0/things/x"))
        let (selected, total) = try CollectionQueryTests.query("/1.0/things?filter=name+eq+x").select([bare]) {
            $0.object
        }
        #expect(selected.isEmpty && total == 0)
    }
}
