import JSON
import Store

extension Operation {
    var row: OperationRow {
        OperationRow(
            id: id, seq: seq, operationClass: operationClass.rawValue, type: type, description: description,
            project: project, statusCode: status.code,
            resources: String(decoding: Operation.resourcesJSON(resources).encoded, as: UTF8.self),
            metadata: String(decoding: metadata.encoded, as: UTF8.self), mayCancel: mayCancel, err: err,
            errCode: errCode, requestor: requestor.map { String(decoding: $0.json.encoded, as: UTF8.self) },
            createdAt: createdAt.nanoseconds, updatedAt: updatedAt.nanoseconds, finishedAt: finishedAt?.nanoseconds)
    }

    /// Rebuilds an operation from its row. Stored JSON was written by this code, so a value that does
    /// not parse is a corrupted row: it is kept readable, with the damage shown in `err`.
    init(row: OperationRow) {
        var resources: [String: [String]] = [:]
        var damage: [String] = []
        do {
            let parsed = try JSONValue.parse(row.resources)
            for (kind, urls) in parsed.objectValue ?? [] {
                resources[kind] = (urls.arrayValue ?? []).compactMap(\.stringValue)
            }
        } catch {
            damage.append("resources: \(error)")
        }
        var metadata = JSONValue.object([])
        do {
            metadata = try JSONValue.parse(row.metadata)
        } catch {
            damage.append("metadata: \(error)")
        }
        let requestor = row.requestor.flatMap { try? JSONValue.parse($0) }.flatMap(Requestor.init(json:))
        self.init(
            id: row.id, seq: row.seq, operationClass: OperationClass(rawValue: row.operationClass) ?? .task,
            type: row.type, description: row.description, project: row.project,
            createdAt: Timestamp(nanoseconds: row.createdAt), updatedAt: Timestamp(nanoseconds: row.updatedAt),
            status: OperationStatus(rawValue: row.statusCode) ?? .failure, resources: resources, metadata: metadata,
            mayCancel: row.mayCancel,
            err: damage.isEmpty ? row.err : (row.err + " [stored row damaged: " + damage.joined(separator: "; ") + "]"),
            errCode: row.errCode, requestor: requestor, finishedAt: row.finishedAt.map(Timestamp.init(nanoseconds:)))
    }
}
