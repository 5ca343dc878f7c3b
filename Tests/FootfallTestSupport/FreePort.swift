import Foundation

/// Ports for servers the tests start themselves.
public enum FreePort {
    /// A TCP port on 127.0.0.1 that nothing listens on now (nor on each of `port + extra`),
    /// chosen below Linux's ephemeral range, where an outgoing connection could take it between
    /// a server's stop and its restart.
    public static func find(alsoFree extra: [Int] = []) throws -> Int {
        for _ in 0..<200 {
            let port = Int.random(in: 20_000..<32_000)
            if isFree(port) && extra.allSatisfy({ isFree(port + $0) }) { return port }
        }
        throw ChildProcess.Failure(command: "find a free port", status: -1, output: "no free port in 20000-31999")
    }

    /// Whether a listening socket can be bound to `port` on 127.0.0.1 now.
    public static func isFree(_ port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return bound == 0
    }
}
