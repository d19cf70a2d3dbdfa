# Run by GTKWave (-S) on a save file: prints what it shows, one trace a line
# ("T name flags"), then quits.
set n [gtkwave::getTotalNumTraces]
puts "TRACES $n"
for {set i 0} {$i < $n} {incr i} {
  puts "T [gtkwave::getTraceNameFromIndex $i] [gtkwave::getTraceFlagsFromIndex $i]"
}
gtkwave::/File/Quit
