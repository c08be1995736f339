using NATS.Client.Core;

namespace Consumers.Nats;

/// <summary>TLS settings of the NATS group layer (<c>Consumers:Nats:Tls:*</c>), mapped to NATS.Client.Core's <see cref="NatsTlsOpts"/>.</summary>
public sealed class NatsGroupLayerTlsOptions
{
    /// <summary>
    /// <c>Auto</c> (default: TLS when the URL is <c>tls://</c> or the server requires it), <c>Prefer</c>, <c>Require</c>,
    /// <c>Implicit</c> or <c>Disable</c> (NATS.Client.Core's <see cref="TlsMode"/>).
    /// </summary>
    public TlsMode Mode { get; set; } = TlsMode.Auto;

    /// <summary>PEM file of the certificate authorities that sign the server's certificate.</summary>
    public string? CaFile { get; set; }

    /// <summary>PEM file of the client certificate (mutual TLS), with <see cref="KeyFile"/>.</summary>
    public string? CertFile { get; set; }

    /// <summary>PEM file of the client certificate's private key.</summary>
    public string? KeyFile { get; set; }

    internal NatsTlsOpts ToNatsTlsOpts() => NatsTlsOpts.Default with
    {
        Mode = Mode,
        CaFile = CaFile,
        CertFile = CertFile,
        KeyFile = KeyFile,
    };
}
