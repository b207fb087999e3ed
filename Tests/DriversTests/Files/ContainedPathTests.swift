import Testing

@testable import Drivers

@Suite struct ContainedPathTests {
    @Test(arguments: [
        ("/etc/passwd", "etc", "passwd", "etc/passwd"),
        ("passwd", ".", "passwd", "passwd"),
        ("//a/./b//c/", "a/b", "c", "a/b/c"),
        ("/../../etc/passwd", "../../etc", "passwd", "../../etc/passwd"),
    ])
    func splitsIntoDirectoryAndLastComponent(path: String, parent: String, leaf: String, relative: String) throws {
        let contained = try ContainedPath(path)
        #expect(contained.parent == parent && contained.leaf == leaf && contained.relative == relative)
    }

    @Test(arguments: ["/", "/.", "/a/..", "/.."])
    func theRootAndPathsEndingInDotDotHaveNoLastComponent(path: String) throws {
        #expect(try ContainedPath(path).leaf == nil)
    }

    @Test func emptyPathsAndNULBytesAreRefused() {
        #expect(throws: InstanceFileError.self) { try ContainedPath("") }
        #expect(throws: InstanceFileError.self) { try ContainedPath("/etc/pass\0wd") }
    }

    @Test(arguments: [
        ("/", "/usr/bin/a", "/"),
        ("../x", "/usr/bin/a", "/usr/x"),
        ("../../../../x", "/a", "/x"),
        ("./b/./c", "/d/a", "/d/b/c"),
    ])
    func symlinkTargetsAreMadeAbsoluteInsideTheRoot(target: String, path: String, resolved: String) {
        #expect(ContainedPath.resolvedTarget(target, of: path) == resolved)
    }
}
