/// The daemon's own version, reported as `environment.server_version`.
public enum BerthVersion {
    public static let current = "0.1.0"
}
