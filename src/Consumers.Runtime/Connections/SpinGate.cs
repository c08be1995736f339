namespace Consumers.Connections;

/// <summary>
/// A spin lock over an <see cref="int"/> field (1 = taken), for state held only to copy a frame or swap a buffer, never
/// across a wait: a compare-exchange to enter and a store to leave, where a <see cref="Lock"/> or
/// <see langword="lock"/> also looks up the thread's id (and a monitor calls into the runtime). Contended, it spins, then
/// yields and sleeps (<see cref="SpinWait"/>).
/// </summary>
internal static class SpinGate
{
    /// <summary>Takes the gate <paramref name="taken"/>, waiting while another thread holds it.</summary>
    public static void Enter(ref int taken)
    {
        if (Interlocked.CompareExchange(ref taken, 1, 0) == 0)
        {
            return;
        }

        var spinner = default(SpinWait);
        do
        {
            spinner.SpinOnce();
        }
        while (Interlocked.CompareExchange(ref taken, 1, 0) != 0);
    }

    /// <summary>Lets the gate go (its holder only).</summary>
    public static void Exit(ref int taken) => Volatile.Write(ref taken, 0);

    /// <summary>Takes the gate until the scope is disposed: <c>using (SpinGate.Hold(ref taken)) { ... }</c>.</summary>
    public static Scope Hold(ref int taken)
    {
        Enter(ref taken);
        return new Scope(ref taken);
    }

    /// <summary>A held gate; disposing it lets the gate go.</summary>
    public ref struct Scope
    {
        private readonly ref int _taken;

        internal Scope(ref int taken) => _taken = ref taken;

        public readonly void Dispose() => Exit(ref _taken);
    }
}
