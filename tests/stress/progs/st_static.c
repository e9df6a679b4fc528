/* st_static ARG — linked statically (no LD_PRELOAD possible) or, built as
 * st_whoami, dynamically: prints its argument and its real and effective
 * uids, and exits 4. The exec targets of the fault tests. */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	printf("%s: %s ruid %u euid %u\n", STATIC ? "static" : "dynamic", argc > 1 ? argv[1] : "-",
	       (unsigned)getuid(), (unsigned)geteuid());
	return 4;
}
