using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Chat;

/// <summary>
/// OpenTelemetry for the chat, off unless an OTLP endpoint is configured: the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>
/// (environment variable or configuration key; <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> picks <c>grpc</c>, the default, or
/// <c>http/protobuf</c>). Then the Consumers spans (source <c>Consumers</c>: one per handled message, deliveries and
/// handlers in the sender's trace, across nodes over NATS) and ASP.NET Core's, and the <c>Consumers</c> and ASP.NET Core
/// meters, go to that endpoint, from a service named <c>consumers-chat</c> (or <c>OTEL_SERVICE_NAME</c>).
/// </summary>
public static class ChatTelemetry
{
    /// <summary>The configuration key that turns export on.</summary>
    public const string EndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Adds OpenTelemetry with an OTLP exporter when <see cref="EndpointKey"/> is set; otherwise nothing.</summary>
    /// <param name="builder">The app's builder.</param>
    /// <returns>Whether export is on.</returns>
    public static bool AddChatTelemetry(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration[EndpointKey]))
        {
            return false;
        }

        // The exporter reads OTEL_EXPORTER_OTLP_* from configuration itself (environment variables included).
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? "consumers-chat"))
            .WithTracing(tracing => tracing
                .AddSource("Consumers")
                .AddAspNetCoreInstrumentation()
                .AddOtlpExporter())
            .WithMetrics(metrics => metrics
                .AddMeter("Consumers")
                .AddAspNetCoreInstrumentation()
                .AddOtlpExporter());
        return true;
    }
}
