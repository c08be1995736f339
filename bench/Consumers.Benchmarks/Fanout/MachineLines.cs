using System.Globalization;

namespace Consumers.Benchmarks.Fanout;

/// <summary>The Markdown lines that open a fan-out or group-send report: the machine, .NET, the date and the command.</summary>
internal static class MachineLines
{
    /// <param name="machine">The machine of the run.</param>
    /// <param name="commandNote">Said after the command (the run's shape), or empty.</param>
    public static string Render(MachineDescription machine, string commandNote = "") => string.Create(CultureInfo.InvariantCulture, $"""
        - Machine: {machine.Cpu}, {machine.Processors} cores; `{machine.Uname}`
        - .NET: {machine.Dotnet}
        - Date: {machine.Date}
        - Command: `{machine.Command}`{(commandNote.Length > 0 ? " (" + commandNote + ")" : string.Empty)}

        """);
}
