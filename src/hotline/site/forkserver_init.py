"""Imported first by the build's forkserver (see :mod:`hotline.site.parallel`): it ties the
forkserver to the build, and every worker it forks to the forkserver, so that no worker outlives
a build that was killed (see :mod:`hotline.site.lifetime`)."""

from hotline.site.lifetime import tie_children

tie_children()
