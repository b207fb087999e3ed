import Testing

@testable import Drivers

@Suite struct VMAgentMessageTests {
    @Test func linesOfTheProtocolParse() {
        #expect(VMAgentMessage(line: Array("PONG abc1".utf8)) == VMAgentMessage(verb: "PONG", id: "abc1"))
        #expect(VMAgentMessage(line: Array("EXIT a 3".utf8)) == VMAgentMessage(verb: "EXIT", id: "a", argument: "3"))
        // Empty output keeps its space.
        #expect(VMAgentMessage(line: Array("OUT a ".utf8)) == VMAgentMessage(verb: "OUT", id: "a", argument: ""))
        #expect(VMAgentMessage(line: Array("OUT a x y".utf8))?.argument == "x y")
    }

    @Test(arguments: ["", "PONG", "PONG a-b", " PONG a", "/ # ", "PONG é"])
    func otherLinesAreNoise(line: String) {
        #expect(VMAgentMessage(line: Array(line.utf8)) == nil)
    }

    @Test func messagesAreWrittenAsOneLine() {
        #expect(VMAgentMessage(verb: "PING", id: "x1").line == Array("PING x1\n".utf8))
        #expect(VMAgentMessage(verb: "EXEC", id: "x1", argument: "ZWNobw==").line == Array("EXEC x1 ZWNobw==\n".utf8))
        #expect(VMAgentMessage.isID(Array(VMAgentMessage.newID().utf8)))
    }
}
