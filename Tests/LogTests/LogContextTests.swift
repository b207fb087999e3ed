import Synchronization
import Testing

@testable import Log

@Suite struct LogContextTests {
    @Test func addingReplacesAKeyInPlaceAndAppendsNewOnes() {
        let context = LogContext().adding("request_id", "1").adding("operation", "op").adding("request_id", "2")
        #expect(context.fields == [LogField(key: "request_id", value: "2"), LogField(key: "operation", value: "op")])
        #expect(LogContext([LogField(key: "a", value: "1"), LogField(key: "a", value: "2")]).fields.count == 1)
    }

    @Test func isEmptyOutsideAnyScope() {
        #expect(LogContext.current.isEmpty)
    }

    @Test func followsTheWorkIntoChildTasksAndUnstructuredTasks() async {
        let bound = LogContext().adding("request_id", "42")
        let seen = await LogContext.$current.withValue(bound) { () async -> [LogContext] in
            async let child = LogContext.current
            let unstructured = await Task { LogContext.current }.value
            let grouped = await withTaskGroup(of: LogContext.self) { group in
                group.addTask { LogContext.current }
                return await group.next()!
            }
            return [await child, unstructured, grouped]
        }
        #expect(seen == [bound, bound, bound])
        #expect(LogContext.current.isEmpty)  // and gone after the scope
    }

    @Test func aNestedScopeAddsToTheOuterOneAndTheOuterIsRestored() {
        let request = LogContext().adding("request_id", "7")
        LogContext.$current.withValue(request) {
            LogContext.$current.withValue(LogContext.current.adding("operation", "abc")) {
                #expect(LogContext.current.fields.map(\.key) == ["request_id", "operation"])
            }
            #expect(LogContext.current == request)
        }
    }

    @Test func concurrentTasksKeepTheirOwnContext() async {
        let results = await withTaskGroup(of: (Int, String?).self) { group in
            for index in 0..<50 {
                group.addTask {
                    await LogContext.$current.withValue(LogContext().adding("request_id", String(index))) {
                        await Task.yield()
                        return (index, LogContext.current.fields.first?.value)
                    }
                }
            }
            return await group.reduce(into: [(Int, String?)]()) { $0.append($1) }
        }
        #expect(results.count == 50)
        #expect(results.allSatisfy { String($0.0) == $0.1 })
    }
}
