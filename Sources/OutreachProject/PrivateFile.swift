public import OutreachCore
import Foundation
#if canImport(Glibc)
public import Glibc
#elseif canImport(Darwin)
public import Darwin
#endif

/// Files that hold personal data (population snapshots, exports of
/// messages or records) are readable by their owner only, whatever the
/// process's umask: created `0600`, and a regular file written over is set
/// to `0600` before any data goes in. Devices (`/dev/null`, `/dev/stdout`)
/// are left as they are.
public enum PrivateFile {
    public static let fileMode: mode_t = 0o600
    public static let folderMode: mode_t = 0o700

    /// `path` opened for writing from the start (created or emptied), owner-only.
    public static func openForWriting(_ path: String) throws(OutreachError) -> UnsafeMutablePointer<FILE> {
        let descriptor = try openDescriptor(path, flags: O_WRONLY | O_CREAT | O_TRUNC)
        guard let file = fdopen(descriptor, "wb") else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw OutreachError(.io, "cannot write \(path): \(reason)")
        }
        return file
    }

    /// A descriptor for `path` (`flags` plus close-on-exec), the file owner-only before anything is written.
    public static func openDescriptor(_ path: String, flags: Int32) throws(OutreachError) -> Int32 {
        let descriptor = open(path, flags | O_CLOEXEC, fileMode)
        guard descriptor >= 0 else {
            throw OutreachError(.io, "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        var info = stat()
        // The mode given to open() is narrowed by the umask and ignored for a file that already exists.
        if fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_mode & 0o7777 != fileMode,
           fchmod(descriptor, fileMode) != 0 {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw OutreachError(.io, "cannot make \(path) private to its owner: \(reason)",
                                hint: "it holds personal data; write it to a file you own")
        }
        return descriptor
    }
}
