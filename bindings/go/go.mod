module libcgkill.org/cgkill

go 1.19
