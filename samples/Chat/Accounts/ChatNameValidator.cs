using Microsoft.AspNetCore.Identity;

namespace Chat.Accounts;

/// <summary>Identity's check of a new user's name: the <see cref="ChatNames"/> rules, on the name as it will be stored.</summary>
public sealed class ChatNameValidator : IUserValidator<IdentityUser>
{
    public Task<IdentityResult> ValidateAsync(UserManager<IdentityUser> manager, IdentityUser user)
    {
        var error = ChatNames.TryNormalize(user.UserName, out var name);
        if (error is null && name != user.UserName)
        {
            error = "The name must be stored in its normalized form.";
        }

        return Task.FromResult(error is null
            ? IdentityResult.Success
            : IdentityResult.Failed(new IdentityError { Code = "InvalidUserName", Description = error }));
    }
}
