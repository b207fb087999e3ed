import JSON
import Operations
import Store

/// The image operation types the daemon registers (LXD's `Downloading image` / `Deleting image`).
public enum ImageOperations {
    public static let importType = "image.import"
    public static let deleteType = "image.delete"

    /// The queue key of every image change: imports and deletions of images run one at a time.
    public static let queueKey = "images"

    /// The types, with `lifecycle` to announce image changes (late-bound: the operation manager that
    /// runs these types is created after them).
    public static func definitions(store: ImageStore, lifecycle: LifecycleEmitter) -> [OperationDefinition] {
        [
            OperationDefinition(
                type: importType, description: "Downloading image",
                steps: [
                    Step("import", idempotent: true, cancellable: false, deadlineMilliseconds: 1_800_000) { context in
                        let payload = context.payload
                        let properties = (payload["properties"]?.objectValue ?? []).compactMap { key, value in
                            value.stringValue.map { (key, $0) }
                        }
                        let image = try await store.importUpload(
                            StagedUpload(payload: payload), filename: payload["filename"]?.stringValue ?? "",
                            isPublic: payload["public"]?.boolValue ?? false, properties: properties,
                            expectedFingerprint: payload["expected_fingerprint"]?.stringValue ?? "",
                            progress: { await context.progress($0) }, log: { await context.log($0) })
                        // LXD replaces the metadata with the result: the progress is over.
                        for key in ["progress"] + ImageStore.progressStages.map({ $0 + "_progress" }) {
                            await context.setMetadata(key, nil)
                        }
                        await context.setMetadata("fingerprint", .string(image.fingerprint))
                        await context.setMetadata("size", .string(String(image.size)))
                        await lifecycle.emit(
                            action: "image-created", source: "/1.0/images/\(image.fingerprint)",
                            context: .object([("type", .string(image.type))]), requestor: nil)
                    }
                ]),
            OperationDefinition(
                type: deleteType, description: "Deleting image",
                steps: [
                    Step("delete", idempotent: true, cancellable: false) { context in
                        let fingerprint = context.payload["fingerprint"]?.stringValue ?? ""
                        try await store.delete(fingerprint: fingerprint)
                        await context.log("image \(fingerprint) deleted")
                        await lifecycle.emit(
                            action: "image-deleted", source: "/1.0/images/\(fingerprint)", context: nil,
                            requestor: nil)
                    }
                ]),
        ]
    }
}
