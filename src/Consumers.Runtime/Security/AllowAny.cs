namespace Consumers.Security;

/// <summary>DRF's <c>AllowAny</c>: every user, authenticated or not, may connect and act.</summary>
public sealed class AllowAny : BasePermission;
