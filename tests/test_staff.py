import pytest

from jobcenter_tui.domain.permissions import PermissionDenied
from jobcenter_tui.services import system_actor
from jobcenter_tui.services.errors import InvalidInput


def test_roles_give_the_privileges_of_the_spec(services) -> None:  # type: ignore[no-untyped-def]
    sys = system_actor()
    for name, role in [("fd", "front_desk"), ("cm", "case_manager"), ("sv", "supervisor"), ("ad", "admin")]:
        services.staff.add(sys, name, name.upper(), "tall maple river lantern", [role])
    fd, cm, sv, ad = (services.staff.actor_for(n) for n in ("fd", "cm", "sv", "ad"))
    assert fd.can("seeker.create") and not fd.can("seeker.view_ssn")
    assert fd.can_program("WIOA_DW", "view") and not fd.can_program("WIOA_DW", "create")
    assert cm.can_program("WIOA_DW", "create") and not cm.can("note.delete")
    assert sv.can("enrollment.reopen") and sv.can("audit.view") and not sv.can("staff.manage")
    assert ad.can("staff.manage")


def test_grant_and_revoke_one_program(services) -> None:  # type: ignore[no-untyped-def]
    sys = system_actor()
    services.staff.add(sys, "fd", "Front", "tall maple river lantern", ["front_desk"])
    view = services.staff.grant(sys, "fd", program="WP", level="create")
    assert view.programs == ("WP:create",)
    actor = services.staff.actor_for("fd")
    assert actor.can_program("WP", "create") and not actor.can_program("WIOA_ADULT", "create")
    services.staff.grant(sys, "fd", program="WP", level="create", revoke=True)
    assert not services.staff.actor_for("fd").can_program("WP", "create")
    with pytest.raises(InvalidInput):
        services.staff.grant(sys, "fd", program="NOPE", level="create")
    with pytest.raises(InvalidInput):
        services.staff.grant(sys, "fd", program="WP", level="everything")


def test_only_staff_managers_manage_staff(services, admin) -> None:  # type: ignore[no-untyped-def]
    services.staff.add(admin, "cm", "Case", "tall maple river lantern", ["case_manager"])
    cm = services.staff.actor_for("cm")
    with pytest.raises(PermissionDenied):
        services.staff.add(cm, "x2", "X", "tall maple river lantern", ["admin"])
    with pytest.raises(PermissionDenied):
        services.staff.reset_password(cm, "root.admin", "another long passphrase")
    services.staff.reset_password(cm, "cm", "another long passphrase")  # one's own password is fine
    assert services.staff.login("cm", "another long passphrase").username == "cm"
