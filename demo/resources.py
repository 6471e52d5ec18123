"""The workbench's block files (``/resource/<block_type>/<path>``, what ``runtime.local_resource_url`` points to),
made cacheable: each answer carries an ETag and asks the browser to check it before reuse, so a page's next visit
gets a 304 instead of the file again (Quill's 209 KB, KaTeX), and an edited file is seen at once."""

from django.views.decorators.cache import cache_control
from django.views.decorators.http import conditional_page
from workbench.views import package_resource as _workbench_package_resource

package_resource = cache_control(no_cache=True)(conditional_page(_workbench_package_resource))
