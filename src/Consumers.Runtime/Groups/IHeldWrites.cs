namespace Consumers.Groups;

/// <summary>Writes a delivery turn held for one client (<see cref="DeliveryTurn"/>), made when the turn ends.</summary>
internal interface IHeldWrites
{
    /// <summary>Writes what is held; never waits (a busy transport takes it later, in order).</summary>
    void WriteHeld();
}
