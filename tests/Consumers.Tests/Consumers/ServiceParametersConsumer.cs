using Consumers;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace Consumers.Tests.Consumers;

public interface IGreeter
{
    string Greet(string name);
}

public sealed class Greeter : IGreeter
{
    public string Greet(string name) => "Hello, " + name;
}

/// <summary>A concrete class: a service only where a parameter says [FromServices].</summary>
public sealed class VisitCounter
{
    public int Visits { get; set; }
}

/// <summary>Actions taking services as parameters (SignalR's hub methods do the same).</summary>
public sealed partial class ServiceParametersConsumer(VisitCounter constructorCounter) : Consumer
{
    [Action]
    public string Hello(string name, IGreeter greeter, ILogger<ServiceParametersConsumer> logger)
    {
        logger.LogInformation("Greeting {Name}", name);
        return greeter.Greet(name);
    }

    // The scope is the connection's: the parameter and the constructor see the same scoped instance.
    [Action]
    public int Visit([FromServices] VisitCounter counter) => ++counter.Visits + (ReferenceEquals(counter, constructorCounter) ? 0 : 1000);

    [Action]
    public bool Optional(IServiceMissing? missing) => missing is null;
}

public interface IServiceMissing;
