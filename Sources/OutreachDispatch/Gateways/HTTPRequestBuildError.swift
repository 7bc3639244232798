/// A message an HTTP gateway cannot turn into a request (no number, a
/// header value with a line break, an email to an SMS gateway). The
/// attempt is `rejected`: retrying cannot help.
public struct HTTPRequestBuildError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { "cannot build the request: \(message)" }
}
