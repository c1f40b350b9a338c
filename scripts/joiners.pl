# Writes server/src/core/syntax/joiners.ts's classes, one a line (K ranges): the tables of UAX #31's
# joiner rules, which JavaScript regular expressions cannot name (Joining_Type, combining class).
# perl scripts/joiners.pl; then paste each line into its constant.
use Unicode::UCD qw(prop_invlist);
sub ranges { my @l = @_; my @out; for (my $i=0; $i<@l; $i+=2) { my $s=$l[$i]; my $e = $i+1<@l ? $l[$i+1]-1 : 0x10FFFF; push @out, $s==$e ? sprintf('\\u{%X}',$s) : sprintf('\\u{%X}-\\u{%X}',$s,$e); } return join('', @out); }
sub union { my %h; for my $p (@_) { my @l = prop_invlist($p); for (my $i=0;$i<@l;$i+=2){ my $e=$i+1<@l?$l[$i+1]:0x110000; $h{$_}=1 for $l[$i]..$e-1; } } my @cps = sort {$a<=>$b} keys %h; my @inv; my $prev=-2; for my $c (@cps){ if ($c!=$prev+1){ push @inv, $c; push @inv, 0 } $inv[-1]=$c+1; $prev=$c } return @inv; }
sub minus_ccc0 { my @l = prop_invlist('General_Category=Mn'); my @keep; for (my $i=0;$i<@l;$i+=2){ my $e=$i+1<@l?$l[$i+1]:0x110000; for my $c ($l[$i]..$e-1){ push @keep,$c if Unicode::UCD::charprop($c,'ccc') ne 'Not_Reordered'; } } my @inv; my $prev=-2; for my $c (@keep){ if ($c!=$prev+1){ push @inv,$c; push @inv,0 } $inv[-1]=$c+1; $prev=$c } return @inv; }
print "V ", ranges(prop_invlist('Canonical_Combining_Class=Virama')), "\n";
print "LJ ", ranges(union('Joining_Type=Dual_Joining','Joining_Type=Left_Joining')), "\n";
print "RJ ", ranges(union('Joining_Type=Dual_Joining','Joining_Type=Right_Joining')), "\n";
print "T ", ranges(prop_invlist('Joining_Type=Transparent')), "\n";
print "M1 ", ranges(minus_ccc0()), "\n";
