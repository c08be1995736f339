using System.Security.Claims;
using Consumers.Security;
using Microsoft.AspNetCore.Authorization;

namespace Consumers.Tests.Consumers;

/// <summary>[Authorize] on the class: only authenticated users connect.</summary>
[Authorize]
public sealed partial class MembersConsumer : Consumer
{
    [Action]
    public string WhoAmI(ClaimsPrincipal user) => user.Identity?.Name ?? "";
}

/// <summary>[Authorize(Roles)] on the class: authenticated users without the role are forbidden.</summary>
[Authorize(Roles = "staff")]
public sealed partial class StaffConsumer : Consumer
{
    [Action]
    public int Ping() => 1;
}

/// <summary>An abstract base that requires a user, and a consumer that opts out with [AllowAnonymous].</summary>
[Authorize]
public abstract partial class MembersOnlyBase : Consumer
{
    [Action]
    public int Ping() => 1;
}

[AllowAnonymous]
public sealed partial class OpenConsumer : MembersOnlyBase;

/// <summary>No class-level requirement: each action has its own.</summary>
public sealed partial class MixedConsumer : Consumer
{
    [Action]
    public int Open() => 1;

    [Action, Authorize]
    public string Secret(ClaimsPrincipal user) => "for " + user.Identity!.Name;

    [Action, Authorize(Roles = "admin")]
    public int Admin() => 2;

    [Action, Authorize(Policy = "Adult")]
    public int Drink() => 3;

    [Action, Permission(typeof(IsRoomMember))]
    public int RoomOnly() => 4;

    [Action, Permission(typeof(ScopedAudit))]
    public int Audited() => 5;

    [Action, Permission(typeof(UnregisteredPermission))]
    public int Broken() => 6;

    [Action, Permission(typeof(StaffOrMember))]
    public int StaffOrRoom() => 7;

    [Action]
    public async Task<bool> MaySee(string room) => await ConsumerAuthorization.HasObjectPermissionAsync(this, "may_see", new Room(room));
}

/// <summary>Consumer-level permissions: checked before each action, before the action is looked up.</summary>
[Permission(typeof(NoDeletes), typeof(SameRoomObjects))]
public sealed partial class GuardedConsumer : Consumer
{
    [Action]
    public int Read() => 1;

    [Action]
    public int DeleteAll() => 2;

    [Action]
    public async Task<bool> MaySee(string room) => await ConsumerAuthorization.HasObjectPermissionAsync(this, "may_see", new Room(room));
}

/// <summary>DCRF's IsAuthenticated as a consumer permission also refuses an anonymous handshake (can_connect).</summary>
[Permission(typeof(IsAuthenticated))]
public sealed partial class AuthenticatedOnlyConsumer : Consumer
{
    [Action]
    public int Ping() => 1;
}

public sealed record Room(string Name);

/// <summary>Allows users whose "room" claim matches the request's ?room= query value.</summary>
public sealed class IsRoomMember : BasePermission
{
    public override ValueTask<bool> HasPermissionAsync(PermissionContext context)
        => ValueTask.FromResult(context.User.HasClaim("room", context.Context.HttpContext.Request.Query["room"].ToString()));
}

public sealed class IsStaff : BasePermission
{
    public override ValueTask<bool> HasPermissionAsync(PermissionContext context) => ValueTask.FromResult(context.User.IsInRole("staff"));
}

public sealed class StaffOrMember() : OrPermission(new IsStaff(), new IsRoomMember());

public sealed class NoDeletes : BasePermission
{
    public override ValueTask<bool> HasPermissionAsync(PermissionContext context) => ValueTask.FromResult(!context.Action.StartsWith("delete", StringComparison.Ordinal));
}

/// <summary>Object permission: a user sees rooms named like its "room" claim.</summary>
public sealed class SameRoomObjects : BasePermission
{
    public override ValueTask<bool> HasObjectPermissionAsync(PermissionContext context, object instance)
        => ValueTask.FromResult(instance is Room room && context.User.HasClaim("room", room.Name));
}

/// <summary>A permission with a constructor service: resolved from the connection's scope on each check.</summary>
public sealed class ScopedAudit(AuditLog log) : BasePermission
{
    public override ValueTask<bool> HasPermissionAsync(PermissionContext context)
    {
        log.Checks.Enqueue(context.Action);
        return ValueTask.FromResult(true);
    }
}

public sealed class AuditLog
{
    public System.Collections.Concurrent.ConcurrentQueue<string> Checks { get; } = new();
}

/// <summary>Needs a service, and is deliberately not registered.</summary>
public sealed class UnregisteredPermission(AuditLog log) : BasePermission
{
    public AuditLog Log { get; } = log;
}

/// <summary>OnConnectAsync that takes longer than the handshake timeout.</summary>
public sealed partial class SlowConnectConsumer : Consumer
{
    protected override async ValueTask<bool> OnConnectAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
        return true;
    }

    [Action]
    public int Ping() => 1;
}

/// <summary>Per-connection state, for the isolation tests.</summary>
public sealed partial class StatefulConsumer : Consumer
{
    private int _count;

    [Action]
    public int Increment() => ++_count;

    [Action]
    public async Task<bool> Wait(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
