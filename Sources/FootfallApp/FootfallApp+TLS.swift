import NIOSSL

extension FootfallApp {
    /// The server's TLS context when `tls-certificate` and `tls-key` are set; nil for plain
    /// HTTP. A missing, unreadable or mismatched file fails here, naming the setting.
    static func tlsContext(configuration: FootfallConfiguration) throws -> NIOSSLContext? {
        switch (configuration.tlsCertificate, configuration.tlsKey) {
        case (nil, nil):
            return nil
        case (.some, nil), (nil, .some):
            throw ConfigurationError.invalidValue(
                key: configuration.tlsCertificate == nil ? Settings.tlsCertificate.key : Settings.tlsKey.key, source: "default",
                reason: "HTTPS needs both tls-certificate and tls-key")
        case (.some(let certificatePath), .some(let keyPath)):
            let chain: [NIOSSLCertificate]
            do {
                chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
            } catch {
                throw ConfigurationError.unreadableFile(key: Settings.tlsCertificate.key, path: certificatePath,
                                                        reason: "not a PEM certificate chain: \(error)")
            }
            guard !chain.isEmpty else {
                throw ConfigurationError.unreadableFile(key: Settings.tlsCertificate.key, path: certificatePath,
                                                        reason: "no certificate in the file")
            }
            let key: NIOSSLPrivateKey
            do {
                key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
            } catch {
                throw ConfigurationError.unreadableFile(key: Settings.tlsKey.key, path: keyPath, reason: "not a PEM private key: \(error)")
            }
            var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
            tls.minimumTLSVersion = .tlsv12
            do {
                return try NIOSSLContext(configuration: tls)
            } catch {
                throw ConfigurationError.invalidValue(key: Settings.tlsKey.key, source: keyPath,
                                                      reason: "the key does not go with the certificate: \(error)")
            }
        }
    }
}
