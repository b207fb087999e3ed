import Testing

@testable import Server

/// LISTEN_* parsing as sd_listen_fds_with_names(3) defines it.
@Suite struct SocketActivationTests {
    let pid: Int32 = 4242

    @Test func passedSocketsStartAtDescriptorThreeAndTakeTheirNames() throws {
        let activation = try SocketActivation.parse(
            environment: ["LISTEN_PID": "4242", "LISTEN_FDS": "3", "LISTEN_FDNAMES": "berthd.socket:https:"], pid: pid)
        #expect(
            activation?.sockets == [
                InheritedSocket(fd: 3, name: "berthd.socket"), InheritedSocket(fd: 4, name: "https"),
                InheritedSocket(fd: 5, name: ""),
            ])
    }

    @Test func socketsWithoutNamesAreUnknown() throws {
        let activation = try SocketActivation.parse(environment: ["LISTEN_PID": "4242", "LISTEN_FDS": "2"], pid: pid)
        #expect(activation?.sockets.map(\.name) == ["unknown", "unknown"])
        #expect(activation?.sockets.map(\.fd) == [3, 4])
    }

    @Test(arguments: [
        [:],
        ["LISTEN_FDS": "1"],
        ["LISTEN_PID": "4242"],
        // Meant for another process, e.g. a parent that leaked its variables to us.
        ["LISTEN_PID": "4243", "LISTEN_FDS": "1"],
        ["LISTEN_PID": "4243", "LISTEN_FDS": "garbage"],
    ])
    func nothingIsPassedUnlessLISTEN_PIDNamesThisProcess(environment: [String: String]) throws {
        #expect(try SocketActivation.parse(environment: environment, pid: pid) == nil)
    }

    @Test(arguments: [
        (
            ["LISTEN_PID": "me", "LISTEN_FDS": "1"],
            SocketActivationError.invalidVariable(name: "LISTEN_PID", value: "me")
        ),
        (["LISTEN_PID": "-1", "LISTEN_FDS": "1"], .invalidVariable(name: "LISTEN_PID", value: "-1")),
        (["LISTEN_PID": "4242", "LISTEN_FDS": "0"], .invalidVariable(name: "LISTEN_FDS", value: "0")),
        (["LISTEN_PID": "4242", "LISTEN_FDS": "-2"], .invalidVariable(name: "LISTEN_FDS", value: "-2")),
        (["LISTEN_PID": "4242", "LISTEN_FDS": " 1"], .invalidVariable(name: "LISTEN_FDS", value: " 1")),
        (
            ["LISTEN_PID": "4242", "LISTEN_FDS": "2147483647"],
            .invalidVariable(name: "LISTEN_FDS", value: "2147483647")
        ),
        (
            ["LISTEN_PID": "4242", "LISTEN_FDS": "2", "LISTEN_FDNAMES": "only-one"],
            .nameCountMismatch(names: 1, descriptors: 2)
        ),
        (
            ["LISTEN_PID": "4242", "LISTEN_FDS": "1", "LISTEN_FDNAMES": "a:b"],
            .nameCountMismatch(names: 2, descriptors: 1)
        ),
    ])
    func malformedVariablesAreRefused(environment: [String: String], expected: SocketActivationError) {
        #expect(throws: expected) { try SocketActivation.parse(environment: environment, pid: pid) }
    }

    @Test func theErrorSaysWhatIsWrong() {
        #expect(
            SocketActivationError.nameCountMismatch(names: 1, descriptors: 2).description
                == "socket activation: LISTEN_FDNAMES has 1 names for 2 descriptors")
    }
}
