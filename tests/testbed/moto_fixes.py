"""moto server with the fixes end-to-end tests need where moto 5.2 differs from AWS.

Run as moto_server is: `python moto_fixes.py -H 127.0.0.1 -p <port>`. Each fix names the moto
behaviour it replaces; delete it once moto behaves like AWS.
"""

import sys

from moto.rds.models import RDSBackend
from moto.server import main

_modify_db_subnet_group = RDSBackend.modify_db_subnet_group


def modify_db_subnet_group(self, subnet_name, description, subnets):
    # moto pops the group from its store and never puts it back, so a DB subnet group whose
    # subnets change (a zone added or swapped) is gone; AWS modifies it in place.
    group = _modify_db_subnet_group(self, subnet_name, description, subnets)
    self.subnet_groups[subnet_name] = group
    return group


RDSBackend.modify_db_subnet_group = modify_db_subnet_group

if __name__ == "__main__":
    sys.exit(main())
