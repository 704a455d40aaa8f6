"""The acting user for tests that read the store to check a result: an administrator, who may see everything."""

from core.users import Permission, User, UserType

ADMIN = User("tester", UserType.BUSINESS, frozenset(Permission))
