import Drivers
import HTTP
import Images
import Instances
import Log
import Server
import Store

/// The one way errors leave the API (LXD's `SmartError`): every failure, whatever its type, becomes
/// an `APIError` here and an error envelope in `Envelope.error`.
public enum ErrorMapping {
    public static func apiError(for error: any Error) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as ImageError:
            switch error {
            case .notFound: return APIError(.notFound, "Image not found")
            case .alreadyExists: return APIError(.conflict, error.description)
            case .inUse: return APIError(.badRequest, error.description)
            case .invalidMetadata, .invalidTarball, .ambiguous: return APIError(.badRequest, error.description)
            }
        case let error as InstanceError:
            switch error {
            case .notFound, .snapshotNotFound: return APIError(.notFound, error.description)
            case .alreadyExists, .snapshotExists: return APIError(.conflict, error.description)
            case .invalidName, .badRequest, .isRunning: return APIError(.badRequest, error.description)
            }
        case let error as InstanceFileError:
            switch error {
            case .notFound: return .notFound
            case .forbidden: return .forbidden
            case .exists: return APIError(.conflict, error.description)
            case .invalidPath: return APIError(.badRequest, error.description)
            case .system: return APIError(.internalServerError, error.description)
            }
        case let error as QEMUDriverError:
            switch error {
            case .agentNotRunning, .snapshotOfRunningVM, .fileAccessUnsupported, .execAsUserUnsupported:
                return APIError(.badRequest, error.description)
            case .bootFailed, .missingBootFile, .pathTooLong:
                return APIError(.internalServerError, error.description)
            }
        case let error as StoreError:
            return APIError(.internalServerError, "Database error: \(error)")
        case let error as SystemError:
            switch error.errno {
            case 2: return APIError(.notFound, "not found")  // ENOENT, like os.ErrNotExist
            case 1, 13: return APIError(.forbidden, "not authorized")  // EPERM, EACCES
            default: return APIError(.internalServerError, error.description)
            }
        default:
            return APIError(.internalServerError, "\(error)")
        }
    }

    /// The HTTP response for any error: an LXD error envelope with the status as `error_code`.
    public static func response(for error: any Error) -> HTTPResponse {
        Envelope.error(apiError(for: error))
    }
}
