/// The `api_extensions` Berth advertises. Clients gate features on these
/// (shared/reference/lxd-api-contract.md §4.3), so a name is listed only once what it promises works.
public enum APIExtensions {
    public static let implemented: [String] = [
        // `ETag` on `GET /1.0`, `If-Match` checked on `PUT /1.0` and `PATCH /1.0` (412 on mismatch).
        "etag",
        // The trust store: `PUT`/`PATCH /1.0/certificates/<fingerprint>`, restricted certificates, and
        // trust tokens (`lxc config trust add`, `lxc remote add <token>`).
        "certificate_update",
        "certificate_project",
        "certificate_token",
        // `PATCH /1.0` merges server configuration.
        "patch",
        // `/1.0/instances` next to `/1.0/containers`, `?recursion=2` full instances (what `lxc list` needs).
        "instances",
        "container_full",
        "instance_get_full",
        // `?filter=` on collections: the empty filter `lxc list` sends; a non-empty one is refused (400)
        // until LXD's grammar is implemented.
        "api_filtering",
        // `/1.0/storage-pools` (read-only: the one `dir` pool instances live on).
        "storage",
        // `/1.0/instances/<name>/files`: `lxc file delete`, `push` with `X-LXD-write: append`, and
        // symlinks in `push -r` / `pull -r`, directories in `push -r` and `push -p`.
        "directory_manipulation",
        "file_delete",
        "file_append",
        "file_symlinks",
        // `POST /1.0/instances/<n>/exec` with `record-output`, `user`, `group` and `cwd`, and
        // `POST …/console` attached through `/1.0/operations/<id>/websocket`.
        "container_exec_recording",
        "container_exec_user_group_cwd",
        "console",
        // Snapshots with `expires_at`, set at creation or later, pruned by an operation when due.
        "snapshot_expiry",
        "snapshot_expiry_creation",
        // `GET /1.0/resources` (CPU, memory, disks; no GPUs, NICs, PCI or USB devices listed), which
        // `lxc info --resources` requires in its v2 shape, and `GET /1.0/metrics` in Prometheus format.
        "resources",
        "resources_v2",
        "metrics",
    ]
}
